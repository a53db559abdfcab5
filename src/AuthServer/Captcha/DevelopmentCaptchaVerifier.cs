using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Captcha;

/// <summary>
/// Accepts exactly the configured development token and refuses every other. Reusable on purpose (tests and
/// local tools send it again and again), which is one reason it runs only in Development.
/// </summary>
public sealed class DevelopmentCaptchaVerifier(IOptions<CaptchaOptions> options) : ICaptchaVerifier
{
    private readonly byte[] expected = Encoding.UTF8.GetBytes(options.Value.DevelopmentToken);

    public ValueTask<CaptchaCheck> VerifyAsync(string token, CallerContext caller, CancellationToken cancellationToken) =>
        ValueTask.FromResult(CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), expected)
            ? CaptchaCheck.Accepted
            : CaptchaCheck.Rejected("token"));
}
