namespace Recovery.AuthServer.Hosting;

/// <summary>The shape of <c>demo-customers.json</c>.</summary>
public sealed class DemoDirectoryFile
{
    public List<DemoCustomer> Customers { get; set; } = [];

    public sealed class DemoCustomer
    {
        public string Id { get; set; } = string.Empty;

        public string UserCode { get; set; } = string.Empty;

        public string DisplayName { get; set; } = string.Empty;

        public string Email { get; set; } = string.Empty;

        public string Phone { get; set; } = string.Empty;

        public string DocumentId { get; set; } = string.Empty;

        public DateOnly? BirthDate { get; set; }

        public string Language { get; set; } = string.Empty;

        public string? InitialPassword { get; set; }

        public bool Blocked { get; set; }

        public List<DemoCard> Cards { get; set; } = [];
    }

    public sealed class DemoCard
    {
        public string Number { get; set; } = string.Empty;

        public string Expiry { get; set; } = string.Empty;
    }
}
