using Recovery.AuthServer.Cards;
using Recovery.AuthServer.Identity;
using Recovery.V1;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>Valid directory customers made from a number: Luhn-valid Visa, DNI with its check letter, Spanish mobile.</summary>
internal static class SyntheticCustomer
{
    /// <summary>The published development admin token of appsettings.Development.json.</summary>
    public const string DevAdminToken = "REVWRUxPUE1FTlQtZGlyZWN0b3J5LWFkbWluLXRva2VuLW5vdC1hLXNlY3JldDE=";

    public const string Expiry = "12/30";

    public static Customer Make(int n) => new()
    {
        CustomerId = $"syn-{n:D6}",
        UserCode = $"7{n:D7}",
        DisplayName = $"CLIENTE SINTETICO {n}",
        Email = $"cliente{n}@example.es",
        Phone = Phone(n),
        DocumentId = Document(n),
        BirthDate = "1980-05-17",
        LanguageCode = "es-ES",
        Cards = { new CustomerCard { CardNumber = Card(n), Expiry = Expiry } },
    };

    public static string Phone(int n) => $"+346{n:D8}";

    public static string Document(int n) => IdentityDocument.Dni(n + 10_000_000);

    /// <summary>A Visa PAN (starts with 4) with a correct Luhn check digit.</summary>
    public static string Card(int n) => CardNumber.WithCheckDigit($"499999{n:D9}");
}
