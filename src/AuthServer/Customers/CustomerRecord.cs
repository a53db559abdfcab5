namespace Recovery.AuthServer.Customers;

/// <summary>A customer as the bank's directory knows them. Personal data, never logged.</summary>
public sealed record CustomerRecord
{
    public required string Id { get; init; }

    /// <summary>The online-banking user code ("Código de usuario").</summary>
    public required string UserCode { get; init; }

    /// <summary>As the change screen shows it, e.g. "NOMBRE APELLIDO APELLIDO".</summary>
    public required string DisplayName { get; init; }

    public required string Email { get; init; }

    /// <summary>Mobile in E.164, e.g. <c>+34612345331</c>.</summary>
    public required string Phone { get; init; }

    /// <summary>Normalised identity document (DNI, NIE or passport).</summary>
    public required string DocumentId { get; init; }

    public DateOnly? BirthDate { get; init; }

    /// <summary>BCP 47 tag of the customer's language; empty means es-ES.</summary>
    public string Language { get; init; } = string.Empty;

    public IReadOnlyList<CardRecord> Cards { get; init; } = [];
}
