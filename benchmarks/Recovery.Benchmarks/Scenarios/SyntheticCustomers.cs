using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Recovery.AuthServer.Cards;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Identity;

namespace Recovery.Benchmarks.Scenarios;

/// <summary>Deterministic synthetic customers: Luhn-valid Visa cards, valid DNIs, unique phones.</summary>
internal static class SyntheticCustomers
{
    public sealed record Customer(string Id, string UserCode, string Card, string Expiry, string Document, string Phone);

    public static Customer For(int i)
    {
        var card = CardNumber.WithCheckDigit("45488120" + i.ToString("D7", CultureInfo.InvariantCulture));
        return new Customer($"load-{i:D7}", $"9{i:D7}", card, "12/29", IdentityDocument.Dni(40_000_000 + i), $"+346{i:D8}");
    }

    public static async Task AddAsync(IServiceProvider services, IEnumerable<Customer> customers)
    {
        var store = services.GetRequiredService<ICustomerStore>();
        var lookup = services.GetRequiredService<CardLookup>();
        foreach (var c in customers)
        {
            var record = new CustomerRecord
            {
                Id = c.Id,
                UserCode = c.UserCode,
                DisplayName = "CLIENTE SINTETICO " + c.Id[^4..],
                Email = $"{c.Id}@example.test",
                Phone = c.Phone,
                DocumentId = c.Document,
                Cards = [new CardRecord(lookup.HashOf(c.Card), c.Card[..6], c.Card[^4..], c.Expiry)],
            };
            await store.AddIfAbsentAsync(record, new CredentialRecord { CustomerId = c.Id, State = CredentialState.Blocked }, CancellationToken.None);
        }
    }
}
