using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Recovery.AuthServer.Security;

/// <summary>
/// Refuses short or malformed secrets everywhere, and the published development secrets outside
/// Development: a server that starts with a known key protects nothing.
/// </summary>
public sealed class SecretsOptionsValidator(IHostEnvironment environment) : IValidateOptions<SecretsOptions>
{
    /// <summary>Prefix of every development secret in appsettings.Development.json.</summary>
    public const string DevelopmentMarker = "REVWRUxPUE1FTlQt"; // base64 of "DEVELOPMENT-"

    public ValidateOptionsResult Validate(string? name, SecretsOptions options)
    {
        var errors = new List<string>();
        Check(nameof(options.CardLookupKey), options.CardLookupKey, errors);
        Check(nameof(options.CodeKey), options.CodeKey, errors);
        Check(nameof(options.PasswordPepper), options.PasswordPepper, errors);
        foreach (var (id, pepper) in options.PreviousPasswordPeppers)
        {
            if (id == options.PasswordPepperId || !System.Text.RegularExpressions.Regex.IsMatch(id, "^[A-Za-z0-9]{1,8}$"))
            {
                errors.Add($"Secrets:PreviousPasswordPeppers:{id} needs an id of 1-8 letters/digits other than the current PasswordPepperId.");
            }

            Check($"{nameof(options.PreviousPasswordPeppers)}:{id}", pepper, errors);
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private void Check(string key, string value, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add($"Secrets:{key} is required (base64 of at least 32 random bytes, e.g. `openssl rand -base64 32`).");
            return;
        }

        var buffer = new byte[(value.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(value, buffer, out var length) || length < 32)
        {
            errors.Add($"Secrets:{key} must be base64 of at least 32 bytes.");
            return;
        }

        if (value.StartsWith(DevelopmentMarker, StringComparison.Ordinal) && !environment.IsDevelopment())
        {
            errors.Add($"Secrets:{key} is the published development value; set a real secret in the {environment.EnvironmentName} environment.");
        }
    }
}
