using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MnistLeNet.Bench;
using MnistLeNet.Data;
using MnistLeNet.Native;
using MnistLeNet.Training;

// The benchmark: the project and the PyTorch peer on the same workloads, in one run.
// Usage: mnist-lenet-bench [--peer DIR] [--out FILE] [--quick]   (--quick: smaller runs, one round instead of three)
//        mnist-lenet-bench --speedrun-vs-pytorch [--rounds N] [--cli PROGRAM] [--peer DIR]
//            (only the whole-process speedrun: `train --recipe speedrun` and PyTorch's, seeds 1-N interleaved, default 3)
//        mnist-lenet-bench --time-to-99 [--seed N]   (internal: one fresh-process measurement)

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var dataDir = MnistFiles.DefaultDirectory();
// A time-to-99 process reads the files while libtorch loads, as the CLI's train does (the main run does not:
// it measures the load on its own).
if (args.Contains("--time-to-99")) MnistPrefetch.Start(dataDir);
var info = TorchRuntime.Initialize(); // once, before anything touches torch

// "Time to 99% from process start" needs a process of its own. The speedrun recipe stops at the first
// periodic test evaluation that reaches 99% (a benchmark convention, see EarlyStop); each round uses its own seed.
string Option(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
var timeTo99Recipe = TrainingOptions.Speedrun with { LogEvery = int.MaxValue };
if (args.Contains("--time-to-99"))
{
    var (seconds, images, accuracy) = Measurements.TimeToTarget(dataDir, timeTo99Recipe with { Seed = long.Parse(Option("--seed", "1"), CultureInfo.InvariantCulture) });
    Console.WriteLine(JsonSerializer.Serialize(new { seconds, images, accuracy }));
    return 0;
}

var root = Path.GetFullPath(Path.Combine(dataDir, "..", ".."));
var peer = new PytorchPeer(Option("--peer", Path.Combine(root, "..", "shared", "peers", "pytorch")));
var peerMissing = peer.Missing; // why PyTorch cannot run here, or null

// The speedrun as users run it, whole processes: the command line (published, compiled ahead of time, as the README
// says to run it for speed) and PyTorch's lenet_speedrun.py, one seed per round, back to back.
(List<TimedRun> Ours, List<TimedRun> Theirs) SpeedrunProcesses(int rounds, string? peerMissing)
{
    var cli = Option("--cli", "") is { Length: > 0 } given ? Path.GetFullPath(given) : WholeProcess.PublishCli(root);
    var outDir = Directory.CreateTempSubdirectory("mnist-lenet-bench-").FullName;
    List<TimedRun> ours = [], theirs = [];
    try
    {
        for (int seed = 1; seed <= rounds; seed++)
        {
            ours.Add(WholeProcess.Cli(cli, dataDir, outDir, seed));
            var o = ours[^1].Result;
            var line = $"  round {seed}/{rounds} (seed {seed}), whole process: train --recipe speedrun {ours[^1].WallSeconds:F2} s " +
                $"(reached 99%: {o["reached_target"]}, {o["train_images"]} images, training ended at {o["seconds_from_process_start"]} s)";
            if (peerMissing is null)
            {
                theirs.Add(WholeProcess.Pytorch(peer, dataDir, seed));
                var t = theirs[^1].Result;
                line += $", PyTorch {theirs[^1].WallSeconds:F2} s (99% at {t["first_99"]?["seconds_from_process_start"]?.ToString() ?? "never"} s)";
            }
            Console.WriteLine(line);
        }
    }
    finally { Directory.Delete(outDir, recursive: true); }
    return (ours, theirs);
}
// The median wall time; a round that never reached 99% counts as infinitely slow, so it can only make the median worse.
static double MedianWall(IEnumerable<TimedRun> runs, Func<TimedRun, bool> reached) =>
    Median(runs.Select(r => reached(r) ? r.WallSeconds : double.PositiveInfinity));
static bool OursReached(TimedRun run) => run.Result["reached_target"]?.GetValue<bool>() == true;
static bool TheirsReached(TimedRun run) => run.Result["first_99"] is JsonObject;
static double? TheirTimeTo99(TimedRun run) => run.Result["first_99"]?["seconds_from_process_start"]?.GetValue<double>();

if (args.Contains("--speedrun-vs-pytorch"))
{
    int vsRounds = int.Parse(Option("--rounds", "3"), CultureInfo.InvariantCulture);
    if (peerMissing is not null) Console.WriteLine($"PyTorch peer NOT available: {peerMissing}");
    var (ours, theirs) = SpeedrunProcesses(vsRounds, peerMissing);
    var ourMedian = MedianWall(ours, OursReached);
    Console.WriteLine($"train --recipe speedrun, whole process (s): {string.Join(", ", ours.Select(r => r.WallSeconds.ToString("F2")))}; median {ourMedian:F2}" +
        $" ({ours.Count(OursReached)} of {vsRounds} reached 99%)");
    if (peerMissing is not null) return 1;
    var theirMedian = MedianWall(theirs, TheirsReached);
    Console.WriteLine($"PyTorch lenet_speedrun.py, whole process (s): {string.Join(", ", theirs.Select(r => r.WallSeconds.ToString("F2")))}; median {theirMedian:F2}" +
        $" ({theirs.Count(TheirsReached)} of {vsRounds} reached 99%)");
    Console.WriteLine($"ratio of medians, project / PyTorch: {ourMedian / theirMedian:F2} (target <= 0.55)");
    return 0;
}
var outFile = Option("--out", "bench-results.json");
bool quick = args.Contains("--quick");
int classicLimit = quick ? 3000 : 12000, fastLimit = quick ? 12800 : 38400, memoryEpochs = quick ? 5 : 20, rounds = quick ? 1 : 3;
int speedrunRounds = quick ? 1 : 5, wholeProcessRounds = quick ? 1 : 3, budgetSeeds = quick ? 1 : 8;

var report = new Report();
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}; libtorch {info.TorchVersion}");
Console.WriteLine(peerMissing is null ? $"PyTorch peer: {peer.Folder}" : $"PyTorch peer NOT available: {peerMissing}");
Console.WriteLine();

var (loadSeconds, train, test) = Measurements.Load(dataDir);
report.Add("MNIST load (s)", loadSeconds, lowerIsBetter: true, target: "<= 0.3");
using var testSubset = test.Take(1000);

// Timings on shared machines drift by ±30% within minutes, so every configuration runs in each of
// several rounds, the project and the peer back to back, and the table shows the medians.
var peerRuns = new Dictionary<string, List<System.Text.Json.Nodes.JsonObject>>();
var ourRuns = new Dictionary<string, List<double>>();
var configurations = new[] { ("classic", classicLimit, 1), ("classic", classicLimit, 2), ("fast", fastLimit, 1), ("fast", fastLimit, 2) };
for (int round = 1; round <= rounds; round++)
    foreach (var (recipe, limit, threads) in configurations)
    {
        var key = $"{recipe}-{threads}";
        var ours = Measurements.TrainImagesPerSecond(train, testSubset, TrainingOptions.ForRecipe(recipe), threads, limit);
        (ourRuns.TryGetValue(key, out var list) ? list : ourRuns[key] = []).Add(ours);
        string vs = "";
        if (peerMissing is null)
        {
            var run = peer.Bench(dataDir, recipe, 1, threads, limit);
            (peerRuns.TryGetValue(key, out var runs) ? runs : peerRuns[key] = []).Add(run);
            vs = $" vs PyTorch {(double)run["train_images_per_s"]!:F0}";
        }
        Console.WriteLine($"  round {round}/{rounds}, train {key}: {ours:F0}{vs} images/s");
    }
// The speedrun's step on every core, with and without its hidden speed tricks (SpeedrunLayers): their gain.
var speedrunStep = TrainingOptions.Speedrun with { EarlyStop = null };
var speedrunRuns = new Dictionary<bool, List<double>> { [false] = [], [true] = [] };
for (int round = 1; round <= rounds; round++)
    foreach (var fastForward in new[] { false, true })
    {
        var ours = Measurements.TrainImagesPerSecond(train, testSubset, speedrunStep with { SpeedrunLayers = fastForward }, speedrunStep.ThreadCount, fastLimit);
        speedrunRuns[fastForward].Add(ours);
        Console.WriteLine($"  round {round}/{rounds}, train speedrun, {speedrunStep.ThreadCount} threads, speed tricks: {fastForward}: {ours:F0} images/s");
    }
foreach (var fastForward in new[] { false, true })
    report.Add($"train speedrun {speedrunStep.ThreadCount} threads, {(fastForward ? "with" : "without")} its speed tricks (images/s)", Median(speedrunRuns[fastForward]));

double? PeerMedian(string key, string field) =>
    peerMissing is null ? Median(peerRuns[key].Select(r => (double)r[field]!)) : null;
foreach (var (recipe, _, threads) in configurations)
    report.Add($"train {recipe} {threads} thread{(threads > 1 ? "s" : "")} (images/s)", Median(ourRuns[$"{recipe}-{threads}"]),
        peer: PeerMedian($"{recipe}-{threads}", "train_images_per_s"), target: recipe == "classic" ? ">= 1.5x PyTorch" : ">= 1.3x PyTorch");
foreach (var recipe in new[] { "classic", "fast" })
{
    var one = report.Value($"train {recipe} 1 thread (images/s)");
    var two = report.Value($"train {recipe} 2 threads (images/s)");
    var defaultThreads = TrainingOptions.ForRecipe(recipe).ThreadCount;
    Console.WriteLine($"  {recipe}: default threads {defaultThreads}; 2 threads vs 1: {two / one:F2}x");
}

// Two threads, like the peer runs it is compared with (its "fast", 2 threads).
// Evaluation as every caller runs it (the model's own forward), and the speedrun's faster test evaluation, interleaved.
var evalRuns = new Dictionary<bool, List<double>> { [false] = [], [true] = [] };
for (int round = 1; round <= rounds; round++)
    foreach (var speedrunPath in new[] { false, true })
        evalRuns[speedrunPath].Add(Measurements.EvalImagesPerSecond(test, threads: 2, speedrunPath));
report.Add("evaluation, 10,000 test images, 2 threads (images/s)", Median(evalRuns[false]),
    peer: PeerMedian("fast-2", "eval_images_per_s"), target: ">= 2x PyTorch");
report.Add("evaluation, the speedrun's test evaluation (faster pooling), 2 threads (images/s)", Median(evalRuns[true]),
    peer: PeerMedian("fast-2", "eval_images_per_s"));
var (median, p99) = Measurements.SingleImageLatencyMs(test);
report.Add("single-image prediction, median (ms)", median, lowerIsBetter: true, target: "<= 0.3");
report.Add("single-image prediction, p99 (ms)", p99, lowerIsBetter: true);
if (peerMissing is null)
    report.AddPeerOnly("MNIST load, PyTorch (s)", PeerMedian("fast-2", "load_s")!.Value);

var times99 = new List<double>();
var images99 = new List<long>();
for (int round = 1; round <= speedrunRounds; round++)
{
    var child = Process.Start(new ProcessStartInfo(Environment.ProcessPath!, $"--time-to-99 --seed {round}") { RedirectStandardOutput = true })!;
    var childOutput = child.StandardOutput.ReadToEnd();
    child.WaitForExit();
    var timeTo99 = JsonDocument.Parse(childOutput.Trim().Split('\n')[^1]).RootElement;
    var seconds = timeTo99.GetProperty("seconds");
    // A round that never reached 99% counts as infinitely slow, so it can only make the median worse.
    times99.Add(seconds.ValueKind == JsonValueKind.Number ? seconds.GetDouble() : double.PositiveInfinity);
    images99.Add(timeTo99.GetProperty("images").GetInt64());
    Console.WriteLine($"  round {round}/{speedrunRounds} (seed {round}), time to 99%: {times99[^1]:F2} s " +
        $"({timeTo99.GetProperty("accuracy").GetDouble():P2} after {images99[^1]} images)");
}
var (wholeOurs, wholeTheirs) = SpeedrunProcesses(wholeProcessRounds, peerMissing);
double? theirTo99 = peerMissing is null ? Median(wholeTheirs.Select(r => TheirTimeTo99(r) ?? double.PositiveInfinity)) : null;
report.Add($"time to 99.0% from process start (s) [{timeTo99Recipe.Describe()}; seeds 1-{speedrunRounds}: " +
    $"{string.Join(", ", times99.Select(t => t.ToString("F2")))} s after {string.Join(", ", images99)} images; PyTorch: seeds 1-{wholeProcessRounds}]",
    Median(times99), peer: theirTo99, lowerIsBetter: true, target: "<= 5, every round");
report.Add($"speedrun, whole process: train --recipe speedrun vs lenet_speedrun.py (s) [seeds 1-{wholeProcessRounds}: " +
    $"{string.Join(", ", wholeOurs.Select(r => r.WallSeconds.ToString("F2")))} s" +
    (peerMissing is null ? $" vs {string.Join(", ", wholeTheirs.Select(r => r.WallSeconds.ToString("F2")))} s]" : "]"),
    MedianWall(wholeOurs, OursReached),
    peer: peerMissing is null ? MedianWall(wholeTheirs, TheirsReached) : null,
    lowerIsBetter: true, target: "<= 0.55x PyTorch's (ratio >= 1.82)");

// The same recipe without early stopping: what it gives after its whole budget, never looking at the test set.
var budgetAccuracies = Enumerable.Range(1, budgetSeeds)
    .Select(seed => Measurements.AccuracyAfterBudget(train, test, timeTo99Recipe with { Seed = seed })).ToList();
Console.WriteLine($"  speedrun without early stopping, {timeTo99Recipe.ImageBudget} images, seeds 1-{budgetSeeds}: {string.Join(", ", budgetAccuracies.Select(a => a.ToString("P2")))}");
report.Add($"speedrun, whole budget, no early stop: median test accuracy (%) [{budgetAccuracies.Count(a => a >= 0.99)} of {budgetSeeds} seeds >= 99%]",
    100 * Median(budgetAccuracies));

var rss = Measurements.ResidentMegabytesPerEpoch(train, testSubset, memoryEpochs, limit: 6400);
var drift = (rss.Skip(1).Max() - rss.Skip(1).Min()) / rss[1];
Console.WriteLine($"resident memory after each of {memoryEpochs} epochs (MB): {string.Join(" ", rss.Select(m => m.ToString("F0")))}");
report.Add($"memory drift, epoch 2..{memoryEpochs} (%)", 100 * drift, lowerIsBetter: true, target: "<= 5");

Console.WriteLine();
Console.WriteLine(report.Table());
var json = JsonSerializer.Serialize(new
{
    date = DateTime.UtcNow.ToString("u"),
    cores = Environment.ProcessorCount,
    libtorch = info.TorchVersion,
    peer = peerMissing is null ? (object)peerRuns : new { missing = peerMissing },
    rounds,
    results = report.Rows,
    project_train_images_per_s_per_round = ourRuns,
    speedrun_step_images_per_s_per_round = speedrunRuns.ToDictionary(r => r.Key ? "speed_tricks" : "plain", r => r.Value),
    evaluation_images_per_s_per_round = evalRuns.ToDictionary(r => r.Key ? "speedrun_test_evaluation" : "model_call", r => r.Value),
    time_to_99_seconds_per_round = times99,
    time_to_99_images_per_round = images99,
    speedrun_whole_process_seconds_per_round = wholeOurs.Select(r => r.WallSeconds),
    speedrun_whole_process_results_per_round = wholeOurs.Select(r => r.Result),
    pytorch_speedrun_whole_process_seconds_per_round = wholeTheirs.Select(r => r.WallSeconds),
    pytorch_speedrun_results_per_round = wholeTheirs.Select(r => r.Result),
    speedrun_budget_accuracy_per_seed = budgetAccuracies,
    resident_mb_per_epoch = rss,
}, new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals });
File.WriteAllText(outFile, json);
Console.WriteLine($"results written to {Path.GetFullPath(outFile)}");
return 0;

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}
