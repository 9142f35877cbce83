// The tutorial's notebooks 1-5 in one .NET 10 file-based app: `dotnet run examples/tutorial.cs [-- --epochs N]`.
// The same library calls as the notebook cells, with charts written to HTML files instead of displayed;
// proof that the lesson does not depend on the (deprecated) notebook platform.
#:project ../lib/MnistLeNet/MnistLeNet.csproj
using MnistLeNet.Data;
using MnistLeNet.Model;
using MnistLeNet.Native;
using MnistLeNet.Prediction;
using MnistLeNet.Training;

Console.WriteLine($"libtorch {TorchRuntime.Initialize().TorchVersion}");
int epochs = args is ["--epochs", var n] ? int.Parse(n) : 5;

// 1 · data
var train = MnistDataset.Load(MnistSplit.Train);
var test = MnistDataset.Load(MnistSplit.Test);
Console.WriteLine($"{train.Count:N0} training and {test.Count:N0} test images; test image 0 is a {test.Labels.data<long>()[0]}");

// 3 · the model
var options = TrainingOptions.Classic with { Epochs = epochs };
using var model = options.CreateModel();
Console.WriteLine(ModelSummary.Format(ModelSummary.Of(model)));

// 4 · training (notebook 4 writes this loop out; Trainer runs the same loop)
Console.WriteLine(options.Describe());
var trainer = new Trainer(model, options, DeviceChoice.Resolve("auto"));
var history = trainer.Fit(train, test, e => { if (e is BatchLogged or EpochCompleted) Console.WriteLine(e); });
ModelFile.Save(model, "mnist.dat");
Console.WriteLine($"saved mnist.dat; curves: {history.CurvesChart(options.Epochs).SaveHtml("mnist.training.html")}");

// 5 · prediction
var first = Predictor.Predict(ModelFile.Load("mnist.dat"), test, 0);
Console.WriteLine($"test image 0: label {first.Label}, predicted {first.Predicted} with probability {first.Confidence:F4}");
