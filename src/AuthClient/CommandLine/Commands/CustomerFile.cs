using System.Globalization;
using System.Text;
using System.Text.Json;
using Recovery.V1;

namespace Recovery.Client.CommandLine.Commands;

/// <summary>
/// Reads customers from a CSV file (a header row, one customer and at most one card per row) or a JSON
/// array of objects, both with the column names below. The file is read and checked whole before anything
/// is sent, so a malformed file sends nothing.
/// </summary>
internal static class CustomerFile
{
    public static readonly IReadOnlyList<string> Columns =
    [
        "customer_id", "user_code", "display_name", "email", "phone", "document_id", "birth_date",
        "language_code", "card_number", "card_expiry", "initial_password",
    ];

    /// <summary>The customers of <paramref name="path"/>; <see cref="UsageException"/> when the file is malformed.</summary>
    public static async Task<IReadOnlyList<Customer>> ReadAsync(string path, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Cannot read {path}: {ex.Message}");
        }

        return path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? FromJson(path, text) : FromCsv(path, text);
    }

    public static IReadOnlyList<Customer> FromCsv(string path, string text)
    {
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        if (lines.Length == 0 || lines[0].Length == 0)
        {
            throw new UsageException($"{path}: the first line must be the header ({string.Join(',', Columns)}).");
        }

        var header = SplitCsv(path, 1, lines[0].TrimStart('\uFEFF'));
        CheckNames(path, header);
        var customers = new List<Customer>();
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            var values = SplitCsv(path, i + 1, lines[i]);
            if (values.Count != header.Count)
            {
                throw new UsageException($"{path}:{i + 1}: {values.Count} values, but the header has {header.Count} columns.");
            }

            customers.Add(ToCustomer(header.Zip(values).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal)));
        }

        return customers;
    }

    public static IReadOnlyList<Customer> FromJson(string path, string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new UsageException($"{path}: expected a JSON array of customer objects.");
            }

            var customers = new List<Customer>();
            var index = 0;
            foreach (var item in document.RootElement.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    throw new UsageException($"{path}: item {index} is not an object.");
                }

                var values = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var property in item.EnumerateObject())
                {
                    values[property.Name] = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString()!,
                        JsonValueKind.Null => string.Empty,
                        JsonValueKind.Number => property.Value.GetRawText(),
                        _ => throw new UsageException($"{path}: item {index}: {property.Name} must be a string."),
                    };
                }

                CheckNames(path, [.. values.Keys]);
                customers.Add(ToCustomer(values));
                index++;
            }

            return customers;
        }
        catch (JsonException ex)
        {
            throw new UsageException($"{path}: not valid JSON ({ex.Message}).");
        }
    }

    private static Customer ToCustomer(Dictionary<string, string> v)
    {
        string Get(string name) => v.GetValueOrDefault(name)?.Trim() ?? string.Empty;

        var customer = new Customer
        {
            CustomerId = Get("customer_id"),
            UserCode = Get("user_code"),
            DisplayName = Get("display_name"),
            Email = Get("email"),
            Phone = Get("phone"),
            DocumentId = Get("document_id"),
            BirthDate = Get("birth_date"),
            LanguageCode = Get("language_code"),

            // Not trimmed: a password's spaces are part of it.
            InitialPassword = v.GetValueOrDefault("initial_password") ?? string.Empty,
        };
        if (Get("card_number").Length > 0 || Get("card_expiry").Length > 0)
        {
            customer.Cards.Add(new CustomerCard { CardNumber = Get("card_number"), Expiry = Get("card_expiry") });
        }

        return customer;
    }

    private static void CheckNames(string path, IReadOnlyList<string> names)
    {
        var unknown = names.Where(n => !Columns.Contains(n, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException($"{path}: unknown column(s) {string.Join(", ", unknown)}; the columns are {string.Join(',', Columns)}.");
        }

        if (!names.Contains("customer_id", StringComparer.Ordinal))
        {
            throw new UsageException($"{path}: the customer_id column is missing.");
        }
    }

    /// <summary>One CSV line (RFC 4180 quoting with "" for a quote; no line breaks inside a value).</summary>
    private static List<string> SplitCsv(string path, int lineNumber, string line)
    {
        var values = new List<string>();
        var value = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    value.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    value.Append(c);
                }
            }
            else if (c == '"' && value.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
            {
                values.Add(value.ToString());
                value.Clear();
            }
            else
            {
                value.Append(c);
            }
        }

        if (quoted)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"{path}:{lineNumber}: unterminated quoted value."));
        }

        values.Add(value.ToString());
        return values;
    }
}
