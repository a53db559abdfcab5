namespace Recovery.AuthServer.Channels;

/// <summary>The credentials of the bank's channels (web, mobile, ivr, …). Bound from <c>Channels:*</c>.</summary>
public sealed class ChannelOptions
{
    public const string Section = "Channels";

    /// <summary>
    /// Bearer tokens per channel name (<c>Channels:Tokens:web:0</c>, <c>Channels:Tokens:ivr:0</c>, …), each base64 of
    /// at least 32 random bytes; several per channel so that one can be rotated without downtime. When any is
    /// configured, every RecoveryService and AccessService call must carry <c>authorization: Bearer &lt;token&gt;</c>,
    /// and the token, not the <c>x-channel</c> header, says which channel is calling. Required outside
    /// Development; in Development, none configured means anonymous channels named by <c>x-channel</c>.
    /// </summary>
    public Dictionary<string, List<string>> Tokens { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Every configured (channel, token) pair.</summary>
    public IEnumerable<(string Channel, string Token)> All() =>
        Tokens.SelectMany(c => c.Value.Select(t => (c.Key, t)));
}
