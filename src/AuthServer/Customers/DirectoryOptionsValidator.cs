using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.Customers;

/// <summary>
/// Refuses short or malformed admin tokens everywhere, and the published development token outside
/// Development: an admin API behind a token printed in the repository protects nothing.
/// </summary>
public sealed class DirectoryOptionsValidator(IHostEnvironment environment) : IValidateOptions<DirectoryOptions>
{
    public ValidateOptionsResult Validate(string? name, DirectoryOptions options)
    {
        var errors = new List<string>();
        for (var i = 0; i < options.AdminTokens.Count; i++)
        {
            var token = options.AdminTokens[i] ?? string.Empty;
            var buffer = new byte[(token.Length * 3 / 4) + 3];
            if (!Convert.TryFromBase64String(token, buffer, out var length) || length < 32)
            {
                errors.Add($"Directory:AdminTokens:{i} must be base64 of at least 32 random bytes (e.g. `openssl rand -base64 32`).");
            }
            else if (token.StartsWith(SecretsOptionsValidator.DevelopmentMarker, StringComparison.Ordinal) && !environment.IsDevelopment())
            {
                errors.Add($"Directory:AdminTokens:{i} is the published development value; set a real token in the {environment.EnvironmentName} environment.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
