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
}
