namespace Recovery.AuthServer.Common;

/// <summary>
/// Who is calling: the bank channel (web, mobile, call-centre, ivr) and the customer's address as that
/// channel reports it. Used for audit and rate limits, never for authorisation.
/// </summary>
public sealed record CallerContext(string Channel, string ClientAddress)
{
    public static CallerContext Unknown { get; } = new("unknown", "unknown");
}
