using Chronos.Bench.SshCrypto;

// One subcommand per area: dotnet run -c Release --project bench/Chronos.Bench -- <area>
return args.FirstOrDefault() switch
{
    "ssh-crypto" => await SshCryptoBench.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Chronos.Bench <area>   areas: ssh-crypto");
    return 2;
}
