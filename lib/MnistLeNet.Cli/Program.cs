return MnistLeNet.Cli.CliApp.Run(args, Console.Out, Console.Error);
