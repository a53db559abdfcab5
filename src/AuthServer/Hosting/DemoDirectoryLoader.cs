using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Cards;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Identity;
using Recovery.AuthServer.Passwords;

namespace Recovery.AuthServer.Hosting;

/// <summary>
/// Loads the demo customers into whichever store is configured, without overwriting customers that
/// already exist. Runs before the server accepts calls.
/// </summary>
public sealed partial class DemoDirectoryLoader(
    IOptions<DemoDirectoryOptions> options,
    IHostEnvironment environment,
    ICustomerStore customers,
    CardLookup cardLookup,
    IPasswordHasher hasher,
    ILogger<DemoDirectoryLoader> logger) : IHostedService
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!(options.Value.Enabled ?? environment.IsDevelopment()))
        {
            return;
        }

        var path = Path.IsPathRooted(options.Value.Path) ? options.Value.Path : Path.Combine(AppContext.BaseDirectory, options.Value.Path);
        await using var stream = File.OpenRead(path);
        var file = await JsonSerializer.DeserializeAsync<DemoDirectoryFile>(stream, Json, cancellationToken)
            ?? throw new InvalidOperationException($"The demo directory {path} is empty.");

        var added = 0;
        foreach (var demo in file.Customers)
        {
            var (customer, credentials) = await ToRecordsAsync(demo, cancellationToken);
            if (await customers.AddIfAbsentAsync(customer, credentials, cancellationToken))
            {
                added++;
            }
        }

        LogLoaded(added, file.Customers.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task<(CustomerRecord, CredentialRecord)> ToRecordsAsync(DemoDirectoryFile.DemoCustomer demo, CancellationToken cancellationToken)
    {
        var document = IdentityDocument.Normalize(demo.DocumentId) ?? throw new InvalidOperationException($"Demo customer {demo.Id} has an invalid document.");
        var cards = demo.Cards.Select(c =>
        {
            var digits = CardNumber.Normalize(c.Number);
            if (digits is null || !CardNumber.PassesLuhn(digits) || !CardExpiry.TryParse(c.Expiry, out var expiry))
            {
                throw new InvalidOperationException($"Demo customer {demo.Id} has an invalid card.");
            }

            return new CardRecord(cardLookup.HashOf(digits), digits[..6], digits[^4..], expiry.ToString());
        }).ToArray();

        var customer = new CustomerRecord
        {
            Id = demo.Id,
            UserCode = demo.UserCode,
            DisplayName = demo.DisplayName,
            Email = demo.Email,
            Phone = demo.Phone,
            DocumentId = document,
            BirthDate = demo.BirthDate,
            Language = demo.Language,
            Cards = cards,
        };
        var credentials = new CredentialRecord
        {
            CustomerId = demo.Id,
            PasswordHash = demo.InitialPassword is null ? null : await hasher.HashAsync(demo.InitialPassword, cancellationToken),
            State = demo.Blocked ? CredentialState.Blocked : CredentialState.Active,
            FailedLogins = demo.Blocked ? 5 : 0,
        };
        return (customer, credentials);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo directory: {Added} of {Total} customers added")]
    private partial void LogLoaded(int added, int total);
}
