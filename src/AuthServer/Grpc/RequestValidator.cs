using Recovery.AuthServer.Common;
using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.Grpc;

/// <summary>
/// Shape checks of request fields (presence, length, charset), collected so that one answer lists
/// every bad field. Business rules (Luhn, check letters, policy) live in the domain.
/// </summary>
public sealed class RequestValidator
{
    /// <summary>Field reason of text that cannot be normalised.</summary>
    public const string CharactersReason = "CHARACTERS";

    /// <summary>Field reason of a password that cannot be normalised: the policy's characters rule.</summary>
    public const string PasswordCharactersReason = "PASSWORD_RULE_CHARACTERS";

    private readonly List<FieldViolation> violations = [];

    public RequestValidator Required(string field, string value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            violations.Add(new(field, "Required.", "REQUIRED"));
        }
        else if (value.Length > maxLength)
        {
            violations.Add(new(field, $"At most {maxLength} characters.", "TOO_LONG"));
        }

        return this;
    }

    public RequestValidator Optional(string field, string value, int maxLength)
    {
        if (value.Length > maxLength)
        {
            violations.Add(new(field, $"At most {maxLength} characters.", "TOO_LONG"));
        }

        return this;
    }

    public RequestValidator Id(string field, string value)
    {
        if (string.IsNullOrEmpty(value))
        {
            violations.Add(new(field, "Required.", "REQUIRED"));
        }
        else if (!Tokens.LooksValid(value))
        {
            violations.Add(new(field, "Is not an id issued by this service.", "MALFORMED"));
        }

        return this;
    }

    /// <summary>A bearer token (session): required, and shaped like one this service issues.</summary>
    public RequestValidator Token(string field, string value)
    {
        if (string.IsNullOrEmpty(value))
        {
            violations.Add(new(field, "Required.", "REQUIRED"));
        }
        else if (!Tokens.LooksValid(value))
        {
            violations.Add(new(field, "Is not a token issued by this service.", "MALFORMED"));
        }

        return this;
    }

    public RequestValidator Digits(string field, string value, int minDigits, int maxDigits)
    {
        if (string.IsNullOrEmpty(value))
        {
            violations.Add(new(field, "Required.", "REQUIRED"));
        }
        else if (value.Length < minDigits || value.Length > maxDigits || !value.All(char.IsAsciiDigit))
        {
            var count = minDigits == maxDigits ? $"{minDigits}" : $"{minDigits}-{maxDigits}";
            violations.Add(new(field, $"Must be {count} digits.", "CODE_FORMAT"));
        }

        return this;
    }

    /// <summary>
    /// Refuses text that cannot be normalised (see <see cref="UnicodeText"/>) before any work is done with
    /// it. <paramref name="reason"/> is <c>CHARACTERS</c>, or a password rule's reason for a password.
    /// </summary>
    public RequestValidator Normalizable(string field, string value, string reason = CharactersReason)
    {
        if (!UnicodeText.CanNormalize(value) && !violations.Any(v => v.Field == field))
        {
            violations.Add(new(field, "Contains characters that are not allowed (noncharacters or malformed text).", reason));
        }

        return this;
    }

    /// <summary>Parses an optional language; null when the field is empty (the customer's own then applies).</summary>
    public RequestValidator Language(string field, string value, out Language? language)
    {
        language = null;
        if (!Languages.TryParse(value, out var parsed))
        {
            violations.Add(new(field, "Must be es-ES or en.", "UNSUPPORTED_LANGUAGE"));
        }
        else if (!string.IsNullOrWhiteSpace(value))
        {
            language = parsed;
        }

        return this;
    }

    /// <summary>Ends the call with INVALID_ARGUMENT if anything was wrong.</summary>
    public void ThrowIfInvalid()
    {
        if (violations.Count > 0)
        {
            OutcomeExtensions.Throw(Failure.Invalid(violations));
        }
    }
}
