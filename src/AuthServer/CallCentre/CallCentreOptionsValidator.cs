using Microsoft.Extensions.Options;
using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.CallCentre;

/// <summary>Call-centre tokens in the secret format; the published development token only in Development.</summary>
public sealed class CallCentreOptionsValidator(IHostEnvironment environment) : IValidateOptions<CallCentreOptions>
{
    public ValidateOptionsResult Validate(string? name, CallCentreOptions options)
    {
        var errors = options.Tokens
            .Select((token, i) => SecretFormat.Problem($"CallCentre:Tokens:{i}", token, environment))
            .OfType<string>()
            .ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
