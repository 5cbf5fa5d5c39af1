using System.Security.Cryptography;
using Chronos.Gateway.Ssh.Crypto;
using Chronos.Testing;

namespace Chronos.Gateway.Tests.Crypto;

public class AesCtrCipherTests
{
    private const string Counter = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

    private const string Plaintext =
        "6bc1bee22e409f96e93d7e117393172a" + "ae2d8a571e03ac9c9eb76fac45af8e51" +
        "30c81c46a35ce411e5fbc1191a0a52ef" + "f69f2445df4f9b17ad2b417be66c3710";

    // NIST SP 800-38A Appendix F.5.1, F.5.3, F.5.5 (CTR-AES128/192/256.Encrypt).
    [Theory]
    [InlineData("2b7e151628aed2a6abf7158809cf4f3c",
        "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee")]
    [InlineData("8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
        "1abc932417521ca24f2b0459fe7e6e0b090339ec0aa6faefd5ccc2c6f4ce8e941e36b26bd1ebc670d1bd1d665620abf74f78a7f6d29809585a97daec58c6b050")]
    [InlineData("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
        "601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c52b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6")]
    public void Nist_sp800_38a_ctr_vectors(string key, string ciphertext)
    {
        using var cipher = new AesCtrCipher(Hex.Decode(key), Hex.Decode(Counter));
        var output = new byte[64];
        cipher.Transform(Hex.Decode(Plaintext), output);
        Assert.Equal(ciphertext, Hex.Encode(output));

        using var decipher = new AesCtrCipher(Hex.Decode(key), Hex.Decode(Counter));
        decipher.Transform(output, output);
        Assert.Equal(Plaintext, Hex.Encode(output));
    }

    [Fact]
    public void Stream_state_carries_across_arbitrary_splits()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var iv = RandomNumberGenerator.GetBytes(16);
        var data = RandomNumberGenerator.GetBytes(5000);
        using var whole = new AesCtrCipher(key, iv);
        var expected = new byte[data.Length];
        whole.Transform(data, expected);

        using var pieces = new AesCtrCipher(key, iv);
        var actual = new byte[data.Length];
        var offset = 0;
        var sizes = new[] { 1, 15, 16, 17, 4, 513, 1024, 3, 600 };
        for (var i = 0; offset < data.Length; i++)
        {
            var n = Math.Min(sizes[i % sizes.Length], data.Length - offset);
            pieces.Transform(data.AsSpan(offset, n), actual.AsSpan(offset, n));
            offset += n;
        }
        Assert.Equal(expected, actual);
    }

    // Independent oracle: OpenSSL's own CTR mode, starting one block before the 128-bit counter wraps.
    [Theory]
    [InlineData(16)]
    [InlineData(24)]
    [InlineData(32)]
    public async Task Matches_openssl_enc_including_counter_wraparound(int keyBytes)
    {
        using var dir = new TempDirectory();
        var key = RandomNumberGenerator.GetBytes(keyBytes);
        var iv = Hex.Decode("ffffffffffffffffffffffffffffffff");
        var data = RandomNumberGenerator.GetBytes(1000);
        await File.WriteAllBytesAsync(dir.File("in"), data);
        (await ProcessRunner.RunAsync("openssl",
            ["enc", $"-aes-{keyBytes * 8}-ctr", "-K", Hex.Encode(key), "-iv", Hex.Encode(iv), "-in", dir.File("in"), "-out", dir.File("out")]))
            .EnsureSuccess();
        var expected = await File.ReadAllBytesAsync(dir.File("out"));

        using var cipher = new AesCtrCipher(key, iv);
        var actual = new byte[data.Length];
        cipher.Transform(data.AsSpan(0, 7), actual.AsSpan(0, 7));
        cipher.Transform(data.AsSpan(7), actual.AsSpan(7));
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Rejects_bad_key_and_iv_lengths()
    {
        Assert.Throws<ArgumentException>(() => new AesCtrCipher(new byte[15], new byte[16]));
        Assert.Throws<ArgumentException>(() => new AesCtrCipher(new byte[16], new byte[12]));
    }
}
