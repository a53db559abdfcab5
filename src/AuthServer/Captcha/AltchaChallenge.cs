using Recovery.AuthServer.Otp;

namespace Recovery.AuthServer.Captcha;

/// <summary>
/// An ALTCHA challenge (protocol v1) as the widget expects it: <c>algorithm</c>, <c>challenge</c>,
/// <c>maxnumber</c>, <c>salt</c> (carrying <c>?expires=&lt;unix seconds&gt;&amp;</c>) and <c>signature</c>.
/// </summary>
public sealed record AltchaChallenge(string Algorithm, string Challenge, int MaxNumber, string Salt, string Signature, DateTimeOffset ExpiresAt);
