using Microsoft.Extensions.Options;

namespace Recovery.AuthServer.Security;

/// <summary>
/// Refuses short or malformed secrets everywhere, and the published development secrets outside
/// Development: a server that starts with a known key protects nothing.
/// </summary>
public sealed class SecretsOptionsValidator(IHostEnvironment environment) : IValidateOptions<SecretsOptions>
{
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
        if (SecretFormat.Problem($"Secrets:{key}", value, environment) is { } problem)
        {
            errors.Add(problem);
        }
    }
}
