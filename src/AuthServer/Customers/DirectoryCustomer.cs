namespace Recovery.AuthServer.Customers;

/// <summary>A customer as the bank's systems send it, before validation. Personal data and secrets: never logged.</summary>
public sealed record DirectoryCustomer
{
    public required string CustomerId { get; init; }

    public required string UserCode { get; init; }

    public required string DisplayName { get; init; }

    public required string Email { get; init; }

    public required string Phone { get; init; }

    public required string DocumentId { get; init; }

    /// <summary>"YYYY-MM-DD" or empty.</summary>
    public string BirthDate { get; init; } = string.Empty;

    public string LanguageCode { get; init; } = string.Empty;

    public IReadOnlyList<DirectoryCard> Cards { get; init; } = [];

    /// <summary>Empty: no password until a recovery installs a temporary one.</summary>
    public string InitialPassword { get; init; } = string.Empty;

    /// <summary>Never the personal data or the password.</summary>
    public override string ToString() => $"DirectoryCustomer {{ CustomerId = {CustomerId} }}";
}
