using Microsoft.Extensions.Options;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.Channels;

/// <summary>
/// Channel names in the <c>x-channel</c> grammar, tokens in the secret format, no token shared by two
/// channels, and channel credentials required outside Development: a channel that names itself is
/// not authenticated.
/// </summary>
public sealed class ChannelOptionsValidator(IHostEnvironment environment) : IValidateOptions<ChannelOptions>
{
    public ValidateOptionsResult Validate(string? name, ChannelOptions options)
    {
        var errors = new List<string>();
        if (!options.All().Any() && !environment.IsDevelopment())
        {
            errors.Add($"Channels:Tokens is required outside Development: give each channel a token (e.g. Channels__Tokens__web__0=$(openssl rand -base64 32)); the {environment.EnvironmentName} environment does not accept anonymous channels.");
        }

        foreach (var (channel, tokens) in options.Tokens)
        {
            if (!CallerContext.IsValidChannel(channel))
            {
                errors.Add($"Channels:Tokens:{channel}: a channel name is 1-32 of lower-case letters, digits and '-'.");
            }

            if (tokens.Count == 0)
            {
                errors.Add($"Channels:Tokens:{channel} lists no token.");
            }

            for (var i = 0; i < tokens.Count; i++)
            {
                if (SecretFormat.Problem($"Channels:Tokens:{channel}:{i}", tokens[i], environment) is { } problem)
                {
                    errors.Add(problem);
                }
            }
        }

        if (options.All().GroupBy(t => t.Token, StringComparer.Ordinal).Any(g => g.Select(t => t.Channel).Distinct(StringComparer.Ordinal).Count() > 1))
        {
            errors.Add("Channels:Tokens: one token is configured for two channels; each channel needs its own.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
