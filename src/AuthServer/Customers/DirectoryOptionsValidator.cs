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
            if (SecretFormat.Problem($"Directory:AdminTokens:{i}", options.AdminTokens[i], environment) is { } problem)
            {
                errors.Add(problem);
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
