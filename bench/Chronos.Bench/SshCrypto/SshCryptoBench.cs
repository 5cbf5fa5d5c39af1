using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Chronos.Gateway.Ssh.Crypto;
using Chronos.Testing;

namespace Chronos.Bench.SshCrypto;

/// <summary>
/// Throughput of the SSH packet primitives in Chronos.Gateway/Ssh/Crypto, per packet as the transport calls them,
/// next to OpenSSL's speed for the same EVP ciphers (what OpenSSH's own sshd uses) measured in the same run.
/// Prints the median of 5 runs of about 0.4 s each.
/// </summary>
internal static class SshCryptoBench
{
    private const int Runs = 5;
    private static readonly TimeSpan RunTime = TimeSpan.FromMilliseconds(400);

    public static async Task<int> RunAsync(string[] args)
    {
        var packetSizes = args.Length > 0 ? args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [32768, 256];
        Console.WriteLine($"{"primitive",-34} {"packet",7} {"MB/s",9} {"ns/packet",10}");
        foreach (var size in packetSizes)
        {
            var packet = RandomNumberGenerator.GetBytes(size);
            var output = new byte[size + 16];

            using (var ctr = new AesCtrCipher(RandomNumberGenerator.GetBytes(16), new byte[16]))
            {
                Report("aes128-ctr", size, () => ctr.Transform(packet, output));
            }
            using (var ctr = new AesCtrCipher(RandomNumberGenerator.GetBytes(32), new byte[16]))
            {
                Report("aes256-ctr", size, () => ctr.Transform(packet, output));
            }
            using (var chacha = new OpenSshChaCha20Poly1305(RandomNumberGenerator.GetBytes(64)))
            {
                uint seq = 0;
                Report("chacha20-poly1305@openssh.com seal", size, () => chacha.Seal(seq++, packet, output));
                var sealedPacket = new byte[size + 16];
                chacha.Seal(1, packet, sealedPacket);
                Report("chacha20-poly1305@openssh.com open", size, () => chacha.Open(1, sealedPacket, output));
            }
            using (var gcm = new OpenSshAesGcmCipher(RandomNumberGenerator.GetBytes(16), new byte[12]))
            {
                Report("aes128-gcm@openssh.com seal", size, () => gcm.Seal(packet, output));
            }
            using (var gcm = new OpenSshAesGcmCipher(RandomNumberGenerator.GetBytes(32), new byte[12]))
            {
                Report("aes256-gcm@openssh.com seal", size, () => gcm.Seal(packet, output));
            }
            using (var umac = new Umac(RandomNumberGenerator.GetBytes(16), 8))
            {
                uint seq = 0;
                Report("umac-64@openssh.com", size, () => umac.ComputeOpenSsh(seq++, packet, output));
            }
            using (var umac = new Umac(RandomNumberGenerator.GetBytes(16), 16))
            {
                uint seq = 0;
                Report("umac-128@openssh.com", size, () => umac.ComputeOpenSsh(seq++, packet, output));
            }
            {
                var poly = new Org.BouncyCastle.Crypto.Macs.Poly1305();
                var polyKey = RandomNumberGenerator.GetBytes(32);
                Report("poly1305 alone (BouncyCastle)", size, () =>
                {
                    poly.Init(new Org.BouncyCastle.Crypto.Parameters.KeyParameter(polyKey));
                    poly.BlockUpdate(packet);
                    poly.DoFinal(output);
                });
            }
            using (var hmac = new HMACSHA256(RandomNumberGenerator.GetBytes(32)))
            {
                Report("hmac-sha2-256 (.NET, reference)", size, () => hmac.TryComputeHash(packet, output, out _));
            }
        }

        Console.WriteLine();
        Console.WriteLine("reference: openssl speed (the EVP ciphers OpenSSH's sshd uses), same machine, same run");
        foreach (var cipher in new[] { "aes-128-ctr", "aes-256-ctr", "chacha20-poly1305", "aes-128-gcm", "aes-256-gcm" })
        {
            var result = await ProcessRunner.RunAsync("openssl",
                ["speed", "-evp", cipher, "-bytes", packetSizes[0].ToString(CultureInfo.InvariantCulture), "-seconds", "1", "-mr"]);
            var line = result.StandardOutput.Split('\n').FirstOrDefault(l => l.StartsWith("+F:", StringComparison.Ordinal));
            var bytesPerSecond = line is null ? double.NaN : double.Parse(line.Split(':')[^1], CultureInfo.InvariantCulture);
            Console.WriteLine($"{"openssl " + cipher,-34} {packetSizes[0],7} {bytesPerSecond / 1e6,9:F0}");
        }
        return 0;
    }

    private static void Report(string name, int packetSize, Action operation)
    {
        for (var i = 0; i < 1000; i++)
        {
            operation(); // warm-up and tiered JIT
        }
        var rates = new List<double>();
        for (var run = 0; run < Runs; run++)
        {
            var stopwatch = Stopwatch.StartNew();
            long packets = 0;
            while (stopwatch.Elapsed < RunTime)
            {
                for (var i = 0; i < 64; i++)
                {
                    operation();
                }
                packets += 64;
            }
            rates.Add(packets / stopwatch.Elapsed.TotalSeconds);
        }
        rates.Sort();
        var packetsPerSecond = rates[Runs / 2];
        Console.WriteLine($"{name,-34} {packetSize,7} {packetsPerSecond * packetSize / 1e6,9:F0} {1e9 / packetsPerSecond,10:F0}");
    }
}
