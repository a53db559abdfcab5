using Microsoft.Extensions.Options;
using Recovery.AuthServer.Channels;
using Recovery.AuthServer.Otp;

namespace Recovery.AuthServer.UnitTests.Channels;

public class ChannelAuthenticatorTests
{
    private static readonly string Web = Token(1);
    private static readonly string Mobile = Token(40);
    private static readonly string IvrOld = Token(80);
    private static readonly string IvrNew = Token(120); // the last token configured

    private static readonly ChannelAuthenticator Authenticator = new(Options.Create(new ChannelOptions
    {
        Tokens = new(StringComparer.Ordinal)
        {
            ["web"] = [Web],
            ["mobile"] = [Mobile],
            ["ivr"] = [IvrOld, IvrNew],
        },
    }));

    public static TheoryData<string, string> Configured { get; } = new()
    {
        { Web, "web" },
        { Mobile, "mobile" },
        { IvrOld, "ivr" },
        { IvrNew, "ivr" },
    };

    public static TheoryData<string?> NotConfigured { get; } = new()
    {
        null,
        string.Empty,
        IvrNew[..^1],                                   // shorter: a prefix of the last token
        IvrNew + "A",                                   // longer: the last token and one more character
        IvrNew[..^1] + (IvrNew[^1] == 'A' ? 'B' : 'A'), // same length, only the last character differs
        (IvrNew[0] == 'A' ? 'B' : 'A') + IvrNew[1..],   // same length, only the first character differs
        IvrNew.ToLowerInvariant(),
        Web + Mobile,
        new string('A', 100_000),
    };

    [Theory]
    [MemberData(nameof(Configured))]
    public void ChannelOf_AnyConfiguredTokenUpToTheLast_ItsChannel(string token, string channel)
    {
        Assert.True(Authenticator.IsEnforced);
        Assert.Equal(channel, Authenticator.ChannelOf(token));
    }

    [Theory]
    [MemberData(nameof(NotConfigured))]
    public void ChannelOf_OtherLengthOrOneCharacterOff_Null(string? token)
    {
        Assert.Null(Authenticator.ChannelOf(token));
    }

    private static string Token(int seed) => Convert.ToBase64String(Enumerable.Range(seed, 32).Select(i => (byte)i).ToArray());
}
