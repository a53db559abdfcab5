using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Recovery.AuthServer.Captcha;

/// <summary>Accepts exactly the configured development token and refuses every other.</summary>
public sealed class DevelopmentCaptchaVerifier(IOptions<CaptchaOptions> options) : ICaptchaVerifier
{
    private readonly byte[] expected = Encoding.UTF8.GetBytes(options.Value.DevelopmentToken);

    public ValueTask<bool> VerifyAsync(string token, string clientAddress, CancellationToken cancellationToken) =>
        ValueTask.FromResult(CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), expected));
}
