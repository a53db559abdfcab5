using System.Security.Cryptography;
using System.Text;
using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.UnitTests.Security;

/// <summary>Keyed hashes name stored records (idempotency markers, captcha replays, SMS reports): their bytes are fixed.</summary>
public sealed class KeyedHashTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    [Theory]
    [InlineData("idempotency-request", 0)]
    [InlineData("captcha:altcha", 17)]
    [InlineData("etiqueta-ñ", 600)]
    public void Compute_LabelAndBytes_HmacOfLabelNewlineBytes(string label, int length)
    {
        var value = Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray();

        // Written out with the incremental HMAC the store's existing hashes were made with.
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Key);
        hmac.AppendData(Encoding.UTF8.GetBytes(label + "\n"));
        hmac.AppendData(value);

        Assert.Equal(hmac.GetHashAndReset(), KeyedHash.Compute(Key, label, value));
    }

    [Fact]
    public void ComputeHex_String_HmacOfItsUtf8()
    {
        Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(Key, "pan:4999990000000007"u8)), KeyedHash.ComputeHex(Key, "pan:4999990000000007"));
    }

    [Theory]
    [InlineData("pan:4999990000000007")]
    [InlineData("doc:12345678Z")]
    [InlineData("audit-subject:ñ")]
    public void ComputeInto_String_TheSameMacAsCompute(string value)
    {
        Span<byte> mac = stackalloc byte[32];

        KeyedHash.ComputeInto(Key, value, mac);

        Assert.Equal(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes(value)), mac.ToArray());
        Assert.Equal(KeyedHash.Compute(Key, value), mac.ToArray());
    }

    [Fact]
    public void Mac_Data_TheOneShotHmac()
    {
        var data = Enumerable.Range(0, 90).Select(i => (byte)(i * 3)).ToArray();

        Assert.Equal(HMACSHA256.HashData(Key, data), KeyedHash.Mac(Key, data));
        Assert.Equal(HMACSHA256.HashData(Key, data), KeyedHash.Mac(Key, data));
    }

    [Fact]
    public void ComputeHex_MoreKeysThanAThreadKeeps_EachHashUnderItsOwnKey()
    {
        // Keyed contexts are kept a few per thread: cycling through more keys than that, in both orders, evicts and
        // re-creates them, and every hash must still be the one-shot HMAC under the key it was asked for.
        var keys = Enumerable.Range(0, 9).Select(k => Enumerable.Range(0, 32).Select(i => (byte)((k * 31) + i)).ToArray()).ToArray();
        foreach (var key in keys.Concat(keys.Reverse()).Concat(keys))
        {
            Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(key, "doc:12345678Z"u8)), KeyedHash.ComputeHex(key, "doc:12345678Z"));
        }
    }

    [Fact]
    public void ComputeHex_KeyArrayChangedInPlace_HashesUnderTheNewBytes()
    {
        var key = Key.ToArray();
        var before = KeyedHash.ComputeHex(key, "pan:4999990000000007");

        key[0] ^= 0xFF;

        Assert.NotEqual(before, KeyedHash.ComputeHex(key, "pan:4999990000000007"));
        Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(key, "pan:4999990000000007"u8)), KeyedHash.ComputeHex(key, "pan:4999990000000007"));
    }

    [Fact]
    public async Task ComputeHex_ManyThreadsAtOnce_EveryHashRight()
    {
        var otherKey = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();
        var work = Enumerable.Range(0, 16).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 500; i++)
            {
                var key = (i + t) % 2 == 0 ? Key : otherKey;
                var value = $"pan:{t}-{i}";
                Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(value))), KeyedHash.ComputeHex(key, value));
            }
        }));

        await Task.WhenAll(work).WaitAsync(TimeSpan.FromSeconds(60));
    }
}
