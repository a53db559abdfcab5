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
}
