using Microsoft.Extensions.Hosting;

namespace Recovery.AuthServer.Security;

/// <summary>
/// The one rule for every configured secret (keys, peppers, admin and channel tokens): base64 of at
/// least 32 random bytes, and never the published development value outside Development.
/// </summary>
public static class SecretFormat
{
    /// <summary>Prefix of every development secret in appsettings.Development.json.</summary>
    public const string DevelopmentMarker = "REVWRUxPUE1FTlQt"; // base64 of "DEVELOPMENT-"

    /// <summary>What is wrong with <paramref name="value"/>, configured at <paramref name="key"/>; null if nothing.</summary>
    public static string? Problem(string key, string? value, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (string.IsNullOrWhiteSpace(value))
        {
            return $"{key} is required (base64 of at least 32 random bytes, e.g. `openssl rand -base64 32`).";
        }

        var buffer = new byte[(value.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(value, buffer, out var length) || length < 32)
        {
            return $"{key} must be base64 of at least 32 bytes.";
        }

        if (value.StartsWith(DevelopmentMarker, StringComparison.Ordinal) && !environment.IsDevelopment())
        {
            return $"{key} is the published development value; set a real one in the {environment.EnvironmentName} environment.";
        }

        return null;
    }
}
