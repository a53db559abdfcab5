using Recovery.AuthServer.Security;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Security;

public class TokensTests
{
    [Fact]
    public void New_SixteenBytes_Is22Base64UrlCharacters()
    {
        var token = Tokens.New(new CryptoRandomSource());

        Assert.Matches("^[A-Za-z0-9_-]{22}$", token);
        Assert.True(Tokens.LooksValid(token));
    }

    [Fact]
    public void New_UsesTheRandomSource()
    {
        Assert.Equal(Tokens.New(new ScriptedRandom()), Tokens.New(new ScriptedRandom()));
        Assert.NotEqual(Tokens.New(new CryptoRandomSource()), Tokens.New(new CryptoRandomSource()));
    }

    [Theory]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(18)]
    [InlineData(32)]
    public void New_AnyLength_IsTheUnpaddedUrlSafeBase64OfTheRandomBytes(int bytes)
    {
        // Ids minted before and after Base64Url replaced the pad-trim-replace chain must be the same text. The bytes
        // begin with groups of 63 and 62 ('/' and '+' in plain base64), which must become '_' and '-'.
        var random = new Bytes([0xFF, 0xFF, 0xFF, 0xFB, 0xEF, 0xBE, .. Enumerable.Range(0, bytes - 6).Select(i => (byte)(i * 37))]);

        var token = Tokens.New(random, bytes);

        Assert.Equal(Convert.ToBase64String(random.Value).TrimEnd('=').Replace('+', '-').Replace('/', '_'), token);
        Assert.Contains('-', token);
        Assert.Contains('_', token);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAA+")] // '+' is not base64url
    [InlineData("AAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // 65
    public void LooksValid_Junk_False(string? token)
    {
        Assert.False(Tokens.LooksValid(token));
    }

    private sealed class Bytes(byte[] value) : IRandomSource
    {
        public byte[] Value => value;

        public int NextInt32(int maxExclusive) => throw new NotSupportedException();

        public void Fill(Span<byte> buffer) => value.CopyTo(buffer);
    }
}
