using Microsoft.Extensions.Options;

namespace Recovery.AuthServer.Notifications;

/// <summary>
/// Checks the message texts at start (with the other options): a text a compliance team broke stops
/// the server with one message per problem, naming the file, rather than failing a customer's step.
/// </summary>
public sealed class NotificationTextsValidator : IValidateOptions<NotificationOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        var errors = NotificationTexts.Validate(options.Texts.ResolvedDirectory);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
