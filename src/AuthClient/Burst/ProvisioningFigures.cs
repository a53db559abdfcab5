namespace Recovery.Client.Burst;

/// <summary>What ImportCustomers did with the run's customers.</summary>
internal sealed record ProvisioningFigures(int Imported, int AlreadyExisting, int Rejected, double Seconds);
