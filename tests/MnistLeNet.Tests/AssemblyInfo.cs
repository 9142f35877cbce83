// Torch's thread pool and random generator are process-wide: run test classes one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
