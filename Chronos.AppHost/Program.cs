Console.Error.WriteLine("Chronos.AppHost: not built yet");
return 1;
