namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>A customer of <c>src/AuthServer/Data/demo-customers.json</c>, as the tests use it.</summary>
internal sealed record DemoCustomer(
    string Id,
    string UserCode,
    string DisplayName,
    string Card,
    string Expiry,
    string Document,
    string Phone,
    string Email,
    string InitialPassword)
{
    /// <summary>The customer of the seed screens; starts with BLOCKED credentials.</summary>
    public static DemoCustomer Seed { get; } = new(
        "demo-0001", "10000001", "NOMBRE APELLIDO APELLIDO", "4548812044110335", "12/29", "12345678Z", "+34612345331", "sbarrios@ebcc.es", "Antigua#Clave42");

    /// <summary>Active credentials, Mastercard, mobile ending in 032.</summary>
    public static DemoCustomer Maria { get; } = new(
        "demo-0002", "10000002", "MARÍA GARCÍA LÓPEZ", "5403751077331015", "08/28", "X1234567L", "+34655123032", "maria.garcia@example.es", "Girasol%Norte58");

    /// <summary>Active credentials, passport, English.</summary>
    public static DemoCustomer John { get; } = new(
        "demo-0003", "10000003", "JOHN SMITH", "4917610000123455", "03/30", "PAB1234567", "+447700900123", "john.smith@example.com", "Harbour*Lights93");

    public const string Captcha = "dev-ok";

    /// <summary>A strong password no demo customer has used and that contains none of their data.</summary>
    public const string NewPassword = "Tortuga-Lunar-73!";

    public const string OtherNewPassword = "Quetzal*Brisa*816";
}
