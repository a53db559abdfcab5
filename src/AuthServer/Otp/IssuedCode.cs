namespace Recovery.AuthServer.Otp;

/// <summary>A code just issued: the clear code goes only into the notification, never into storage or logs.</summary>
public sealed record IssuedCode(string Code, DateTimeOffset ExpiresAt, DateTimeOffset ResendAvailableAt, int ResendsRemaining)
{
    public override string ToString() => $"IssuedCode {{ ExpiresAt = {ExpiresAt:O} }}";
}
