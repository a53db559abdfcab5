using System.Globalization;
using System.Text.RegularExpressions;
using Recovery.AuthServer.Cards;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Identity;
using Recovery.AuthServer.Passwords;

namespace Recovery.AuthServer.Customers;

/// <summary>
/// Adds customers sent by the bank's systems and reports their credential state. A customer is validated
/// whole before anything is stored, and stored with one atomic <see cref="ICustomerStore.AddIfAbsentAsync"/>,
/// so a refused customer leaves nothing behind.
/// </summary>
public sealed partial class CustomerDirectory(ICustomerStore customers, CardLookup cardLookup, IPasswordHasher hasher, Notifications.Sms.SmsFailover sms)
{
    public const int MaxCards = 10;
    public const int MaxPasswordLength = 128;

    /// <summary>Field paths are as in the request (<c>customer.phone</c>), so a violation names what to fix.</summary>
    private const string Prefix = "customer.";

    /// <summary>
    /// Adds the customer unless their id exists (<see cref="ErrorReasons.CustomerExists"/>, left unchanged) or
    /// their user code or a card belongs to someone else (<see cref="ErrorReasons.CustomerConflict"/>).
    /// Returns the customer id.
    /// </summary>
    public async Task<Outcome<string>> AddAsync(DirectoryCustomer customer, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var record = ToRecord(customer, violations);
        if (record is null)
        {
            return Failure.Invalid(violations);
        }

        // Checked before hashing, so re-running an import of existing customers costs no Argon2 time.
        if (await customers.GetAsync(record.Id, cancellationToken) is not null)
        {
            return Exists();
        }

        var credentials = new CredentialRecord
        {
            CustomerId = record.Id,
            PasswordHash = customer.InitialPassword.Length == 0 ? null : await hasher.HashAsync(customer.InitialPassword, cancellationToken),
        };
        if (await customers.AddIfAbsentAsync(record, credentials, cancellationToken))
        {
            return record.Id;
        }

        // AddIfAbsent refuses an existing id, user code or card alike; tell the bank's system which it was.
        // The caller is an authenticated admin, so saying that a user code or card is taken reveals nothing new.
        return await customers.GetAsync(record.Id, cancellationToken) is not null
            ? Exists()
            : new Failure(FailureKind.AlreadyExists, ErrorReasons.CustomerConflict,
                "The user code or a card of this customer belongs to another customer; nothing was stored.");
    }

    /// <summary>The state of a customer's credentials, by customer id or user code (exactly one non-null).</summary>
    public async Task<Outcome<CustomerStatus>> GetStatusAsync(string? customerId, string? userCode, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Admin only: a NOT_FOUND here is no enumeration oracle, unlike on the customer-facing services.
        var id = customerId ?? await customers.FindIdByUserCodeAsync(userCode ?? string.Empty, cancellationToken);
        if (id is null)
        {
            return new Failure(FailureKind.NotFound, ErrorReasons.CustomerNotFound, "No customer with that key.");
        }

        // The profile and the credentials are read together (one round trip).
        var customerTask = customers.GetAsync(id, cancellationToken);
        var credentialsTask = customers.GetCredentialsAsync(id, cancellationToken);
        await Task.WhenAll(customerTask, credentialsTask);
        var (customer, credentials) = (await customerTask, await credentialsTask);

        // An index entry whose customer does not have that user code (an add interrupted half-way) finds no one.
        if (customer is null || credentials is null ||
            (customerId is null && !string.Equals(customer.UserCode, userCode, StringComparison.OrdinalIgnoreCase)))
        {
            return new Failure(FailureKind.NotFound, ErrorReasons.CustomerNotFound, "No customer with that key.");
        }

        return new CustomerStatus(
            customer.Id,
            customer.UserCode,
            credentials.State,
            credentials.PasswordHash is not null,
            credentials.TemporaryPasswordMac is null ? null : credentials.TemporaryPasswordExpiresAt,
            credentials.FailedLogins,
            credentials.RecoveryBlockedUntil > now ? credentials.RecoveryBlockedUntil : null,
            customer.Cards.Count)
        {
            RecentSms = await sms.RecentToAsync(customer.Phone, cancellationToken),
        };
    }

    private static Failure Exists() =>
        new(FailureKind.AlreadyExists, ErrorReasons.CustomerExists, "A customer with this customer_id exists; it was left unchanged.");

    private CustomerRecord? ToRecord(DirectoryCustomer c, List<FieldViolation> violations)
    {
        Check(violations, "customer_id", c.CustomerId, 64, CustomerIdPattern(), "1-64 of A-Z, a-z, 0-9, '.', '_' and '-'.");
        Check(violations, "user_code", c.UserCode, 32, UserCodePattern(), "1-32 letters and digits.");
        Check(violations, "display_name", c.DisplayName, 128, null, null);
        Check(violations, "email", c.Email, 254, EmailPattern(), "An e-mail address.");
        Check(violations, "phone", c.Phone, 16, PhonePattern(), "E.164: '+' and 8-15 digits, e.g. +34612345331.");

        var document = IdentityDocument.Normalize(c.DocumentId);
        if (document is null)
        {
            violations.Add(new(Prefix + "document_id", "A DNI or NIE with a valid check letter, or a passport number.", "DOCUMENT_INVALID"));
        }

        DateOnly? birthDate = null;
        if (c.BirthDate.Length > 0)
        {
            if (DateOnly.TryParseExact(c.BirthDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                birthDate = parsed;
            }
            else
            {
                violations.Add(new(Prefix + "birth_date", "A date as YYYY-MM-DD.", "MALFORMED"));
            }
        }

        if (!Languages.TryParse(c.LanguageCode, out var language))
        {
            violations.Add(new(Prefix + "language_code", "Must be es-ES or en.", "UNSUPPORTED_LANGUAGE"));
        }

        if (c.InitialPassword.Length > MaxPasswordLength)
        {
            violations.Add(new(Prefix + "initial_password", $"At most {MaxPasswordLength} characters.", "TOO_LONG"));
        }
        else if (!UnicodeText.CanNormalize(c.InitialPassword))
        {
            // Hashing normalises the password (NFKC): refused here rather than thrown from the hasher.
            violations.Add(new(Prefix + "initial_password", "Contains characters that are not allowed (noncharacters or malformed text).", "PASSWORD_RULE_CHARACTERS"));
        }

        var cards = ToCards(c.Cards, violations);
        if (violations.Count > 0)
        {
            return null;
        }

        return new CustomerRecord
        {
            Id = c.CustomerId,
            UserCode = c.UserCode,
            DisplayName = c.DisplayName.Trim(),
            Email = c.Email,
            Phone = c.Phone,
            DocumentId = document!,
            BirthDate = birthDate,
            Language = string.IsNullOrWhiteSpace(c.LanguageCode) ? string.Empty : language.Tag(),
            Cards = cards,
        };
    }

    private CardRecord[] ToCards(IReadOnlyList<DirectoryCard> cards, List<FieldViolation> violations)
    {
        if (cards.Count > MaxCards)
        {
            violations.Add(new(Prefix + "cards", $"At most {MaxCards} cards.", "TOO_MANY"));
            return [];
        }

        var records = new List<CardRecord>(cards.Count);
        for (var i = 0; i < cards.Count; i++)
        {
            var field = $"{Prefix}cards[{i}].";
            var digits = CardNumber.Normalize(cards[i].CardNumber);
            if (digits is null || digits.Length is < CardNumber.MinLength or > CardNumber.MaxLength)
            {
                violations.Add(new(field + "card_number", $"{CardNumber.MinLength}-{CardNumber.MaxLength} digits.", "CARD_NUMBER_LENGTH"));
            }
            else if (!CardNumber.PassesLuhn(digits))
            {
                violations.Add(new(field + "card_number", "Fails the Luhn check.", "CARD_NUMBER_LUHN"));
            }

            if (!CardExpiry.TryParse(cards[i].Expiry, out var expiry))
            {
                violations.Add(new(field + "expiry", "MM/YY.", "CARD_EXPIRY_FORMAT"));
            }

            if (digits is not null && violations.Count == 0)
            {
                var hash = cardLookup.HashOf(digits);
                if (records.Any(r => r.PanHash == hash))
                {
                    violations.Add(new(field + "card_number", "The same card appears twice.", "DUPLICATE"));
                }

                records.Add(new CardRecord(hash, digits[..6], digits[^4..], expiry.ToString()));
            }
        }

        return [.. records];
    }

    private static void Check(List<FieldViolation> violations, string field, string value, int maxLength, Regex? pattern, string? shape)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            violations.Add(new(Prefix + field, "Required.", "REQUIRED"));
        }
        else if (value.Length > maxLength)
        {
            violations.Add(new(Prefix + field, $"At most {maxLength} characters.", "TOO_LONG"));
        }
        else if (pattern is not null && !pattern.IsMatch(value))
        {
            violations.Add(new(Prefix + field, shape!, "MALFORMED"));
        }
        else if (!UnicodeText.CanNormalize(value))
        {
            // The display name and e-mail feed the password policy's personal-data check, which normalises them.
            violations.Add(new(Prefix + field, "Contains characters that are not allowed (noncharacters or malformed text).", "CHARACTERS"));
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex CustomerIdPattern();

    [GeneratedRegex(@"^[A-Za-z0-9]{1,32}$")]
    private static partial Regex UserCodePattern();

    // Deliberately loose: the bank's system of record owns e-mail validity; this only catches a column mix-up.
    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^\+[1-9][0-9]{7,14}$")]
    private static partial Regex PhonePattern();
}
