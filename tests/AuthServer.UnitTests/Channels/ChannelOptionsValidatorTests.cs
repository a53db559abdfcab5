using Recovery.AuthServer.Channels;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Channels;

public class ChannelOptionsValidatorTests
{
    private static readonly string Token = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string OtherToken = Convert.ToBase64String(Enumerable.Range(50, 32).Select(i => (byte)i).ToArray());
    private const string DevToken = "REVWRUxPUE1FTlQtY2hhbm5lbC10b2tlbi1ub3QtYS1zZWNyZXQtMDAx";

    [Fact]
    public void Validate_NoTokensInDevelopment_Succeeds()
    {
        Assert.True(Validate("Development", new ChannelOptions()).Succeeded);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public void Validate_NoTokensOutsideDevelopment_FailsNamingTheKeyAndHowToSetIt(string environment)
    {
        var failure = Assert.Single(Validate(environment, new ChannelOptions()).Failures!);

        Assert.StartsWith("Channels:Tokens is required outside Development", failure, StringComparison.Ordinal);
        Assert.Contains("Channels__Tokens__web__0", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TwoChannelsWithRotation_Succeeds()
    {
        var options = With(("web", [Token, OtherToken]), ("call-centre", [Convert.ToBase64String(new byte[48])]));

        Assert.True(Validate("Production", options).Succeeded);
    }

    [Theory]
    [InlineData("Web")]
    [InlineData("web channel")]
    [InlineData("a-channel-name-longer-than-thirty-two")]
    public void Validate_ChannelNameOutsideTheHeaderGrammar_Fails(string name)
    {
        var failure = Assert.Single(Validate("Production", With((name, [Token]))).Failures!);

        Assert.Equal($"Channels:Tokens:{name}: a channel name is 1-32 of lower-case letters, digits and '-'.", failure);
    }

    [Fact]
    public void Validate_ShortOrMalformedToken_FailsNamingItsKey()
    {
        var failures = Validate("Production", With(("web", [Convert.ToBase64String(new byte[31])]), ("ivr", ["not base64!"]))).Failures!;

        Assert.Contains("Channels:Tokens:web:0 must be base64 of at least 32 bytes.", failures);
        Assert.Contains("Channels:Tokens:ivr:0 must be base64 of at least 32 bytes.", failures);
    }

    [Fact]
    public void Validate_DevelopmentTokenOutsideDevelopment_FailsButPassesInDevelopment()
    {
        var options = With(("web", [DevToken]));

        Assert.StartsWith("Channels:Tokens:web:0 is the published development value", Assert.Single(Validate("Production", options).Failures!), StringComparison.Ordinal);
        Assert.True(Validate("Development", options).Succeeded);
    }

    [Fact]
    public void Validate_OneTokenForTwoChannels_Fails()
    {
        var failure = Assert.Single(Validate("Production", With(("web", [Token]), ("mobile", [Token]))).Failures!);

        Assert.Contains("one token is configured for two channels", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ChannelWithEmptyList_Fails()
    {
        var failures = Validate("Development", With(("web", []))).Failures!;

        Assert.Contains("Channels:Tokens:web lists no token.", failures);
    }

    [Fact]
    public void ChannelOf_ConfiguredTokens_NamesTheirChannelAndNothingElse()
    {
        var authenticator = new ChannelAuthenticator(Microsoft.Extensions.Options.Options.Create(With(("web", [Token, OtherToken]), ("ivr", [Convert.ToBase64String(new byte[32])]))));

        Assert.True(authenticator.IsEnforced);
        Assert.Equal("web", authenticator.ChannelOf(Token));
        Assert.Equal("web", authenticator.ChannelOf(OtherToken));
        Assert.Equal("ivr", authenticator.ChannelOf(Convert.ToBase64String(new byte[32])));
        Assert.Null(authenticator.ChannelOf(Token[..^1]));
        Assert.Null(authenticator.ChannelOf(string.Empty));
        Assert.Null(authenticator.ChannelOf(null));
        Assert.False(new ChannelAuthenticator(Microsoft.Extensions.Options.Options.Create(new ChannelOptions())).IsEnforced);
    }

    private static Microsoft.Extensions.Options.ValidateOptionsResult Validate(string environment, ChannelOptions options) =>
        new ChannelOptionsValidator(new TestHostEnvironment(environment)).Validate(null, options);

    private static ChannelOptions With(params (string Channel, List<string> Tokens)[] channels) =>
        new() { Tokens = channels.ToDictionary(c => c.Channel, c => c.Tokens, StringComparer.Ordinal) };
}
