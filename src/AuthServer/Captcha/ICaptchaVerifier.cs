namespace Recovery.AuthServer.Captcha;

/// <summary>Checks the token of the channel's "No soy un robot" widget.</summary>
public interface ICaptchaVerifier
{
    ValueTask<bool> VerifyAsync(string token, string clientAddress, CancellationToken cancellationToken);
}
