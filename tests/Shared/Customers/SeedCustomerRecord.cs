using Recovery.AuthServer.Customers;

namespace Recovery.AuthServer.SharedTests.Customers;

/// <summary>
/// The seed screens' customer as the stores hold it (id, user code, name, contacts, document), for tests that need a
/// customer record and nothing particular about it; a test adds its cards here and its birth date or language with
/// <c>with</c>.
/// </summary>
public static class SeedCustomerRecord
{
    public const string Id = "c-1";

    public static CustomerRecord With(params CardRecord[] cards) => new()
    {
        Id = Id,
        UserCode = "71234567",
        DisplayName = "SERGIO BARRIOS GÓMEZ",
        Email = "sbarrios@ebcc.es",
        Phone = "+34612345331",
        DocumentId = "12345678Z",
        Cards = cards,
    };
}
