// Numbers print the same everywhere (logs are meant to be compared and parsed).
System.Globalization.CultureInfo.DefaultThreadCurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
return MnistLeNet.Cli.CliApp.Run(args, Console.Out, Console.Error);
