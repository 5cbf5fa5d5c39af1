// Chronos benchmark harness: `dotnet run -c Release --project bench/Chronos.Bench -- <area> [args]`.
// Each area lives in its own file and registers one line here.
using Chronos.Bench;
using Chronos.Bench.Sessions;
using Chronos.Bench.SshCrypto;
using Chronos.Bench.SshServer;

var areas = new Dictionary<string, Func<string[], Task<int>>>(StringComparer.Ordinal)
{
    ["hypervisor"] = HypervisorBench.RunAsync,
    ["fuse"] = FuseBench.RunAsync,
    ["fuse-hold"] = FuseHold.RunAsync,
    ["persona"] = PersonaBench.RunAsync,
    ["ssh-crypto"] = SshCryptoBench.RunAsync,
    ["ssh"] = SshServerBench.RunAsync,
    ["sessions"] = SessionsBench.RunAsync,
    // The Chronos side of `sessions`, started by it as child processes.
    ["sessions-world"] = GatewayUnderTest.RunWorldAsync,
    ["sessions-gateway"] = GatewayUnderTest.RunAsync,
};

if (args.Length == 0 || !areas.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"usage: Chronos.Bench <{string.Join('|', areas.Keys.Order(StringComparer.Ordinal))}> [args]");
    return 2;
}
if (args[0] is "fuse" or "fuse-hold" or "sessions-world")
{
    // These mount worlds in this process: tuned as the Chronos.Fuse service is.
    Chronos.Fuse.FuseHostTuning.Apply();
}
return await run(args[1..]);
