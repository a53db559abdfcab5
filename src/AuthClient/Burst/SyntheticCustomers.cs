using System.Globalization;
using System.Security.Cryptography;
using Recovery.V1;

namespace Recovery.Client.Burst;

/// <summary>
/// Customers made from a run id and an index: a Luhn-valid Visa, a DNI with its check letter, a Spanish
/// mobile, no initial password. The run id goes into every unique field (id, user code, card, phone) so that
/// runs against a long-lived server never collide with an earlier run's customers.
/// </summary>
internal sealed class SyntheticCustomers
{
    /// <summary>Index digits in cards and phones: at most this many customers per run.</summary>
    public const int MaxCustomers = 500_000;

    private const string DniLetters = "TRWAGMYFPDXBNJZSQVHLCKE";
    private const string Expiry = "12/30";

    public SyntheticCustomers(int runId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(runId);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(runId, 99_999);
        RunId = runId.ToString("D5", CultureInfo.InvariantCulture);
    }

    /// <summary>Five digits that make this run's customers unique.</summary>
    public string RunId { get; }

    /// <summary>A fresh run id: the clock's seconds, so consecutive runs differ and a report names its customers.</summary>
    public static int NewRunId() => (int)(DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 100_000);

    public Customer Make(int i) => new()
    {
        CustomerId = $"burst-{RunId}-{i:D6}",
        UserCode = UserCode(i),
        // No digits in the name: the policy refuses passwords containing any word of it.
        DisplayName = "CLIENTE RAFAGA",
        Email = $"burst.{RunId}.{i:D6}@example.test",
        Phone = Phone(i),
        DocumentId = Document(i),
        LanguageCode = "es-ES",
        Cards = { new CustomerCard { CardNumber = Card("4548", i), Expiry = Expiry } },
    };

    public string UserCode(int i) => $"B{RunId}{i:D6}";

    public string Phone(int i) => $"+346{RunId}{i:D6}";

    public static string CardExpiry => Expiry;

    public string CardOf(int i) => Card("4548", i);

    /// <summary>A Luhn-valid card nobody holds (another BIN): StartRecovery takes the same path and cost as for a real one.</summary>
    public string DecoyCard(int i) => Card("4549", i % MaxCustomers);

    /// <summary>A document no customer of this run has, so the decoys never spend a customer's per-document limit.</summary>
    public string DecoyDocument(int i) => Document(MaxCustomers + (i % MaxCustomers));

    /// <summary>
    /// A DNI with its check letter, unique within the run (StartRecovery limits per document); documents need not be
    /// unique across runs, so two digits of the run id and six of the index fill the eight.
    /// </summary>
    public string Document(int i)
    {
        var number = (int.Parse(RunId, CultureInfo.InvariantCulture) % 100 * 1_000_000) + (i % 1_000_000);
        return number.ToString("D8", CultureInfo.InvariantCulture) + DniLetters[number % 23];
    }

    /// <summary>A user code no customer has: Login against it verifies the decoy hash (one Argon2).</summary>
    public string UnknownUserCode => $"NOBODY{RunId}";

    /// <summary>Strong, unique, and free of the customer's own data (which the policy would refuse).</summary>
    public string NewPassword(int i)
    {
        var hex = Convert.ToHexString(SHA256.HashData(BitConverter.GetBytes(((long)int.Parse(RunId, CultureInfo.InvariantCulture) << 32) | (uint)i)));
        return "Vk#" + hex[..6].ToLowerInvariant() + "!Tz" + hex[6..10];
    }

    private string Card(string bin, int i)
    {
        // 4 (BIN) + 5 (run) + 6 (index) + 1 (check) = 16 digits.
        var prefix = bin + RunId + i.ToString("D6", CultureInfo.InvariantCulture);
        for (var d = 0; d <= 9; d++)
        {
            var candidate = prefix + (char)('0' + d);
            if (PassesLuhn(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("unreachable: one of ten check digits passes");
    }

    private static bool PassesLuhn(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                d = d * 2 > 9 ? (d * 2) - 9 : d * 2;
            }

            sum += d;
        }

        return sum % 10 == 0;
    }
}
