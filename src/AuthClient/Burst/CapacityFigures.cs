namespace Recovery.Client.Burst;

/// <summary>
/// The server's hashing capacity as measured from outside: unknown-user Logins (one Argon2 verify each) answered per
/// second at <paramref name="Concurrency"/> calls in flight, and what that means in flows per second.
/// </summary>
/// <param name="Concurrency">Logins kept in flight (several per server core, so every core hashes all the time).</param>
/// <param name="Seconds">How long the measured window lasted.</param>
/// <param name="Verifies">Logins answered INVALID_CREDENTIALS in the window: each cost the server one Argon2 verify.</param>
/// <param name="Shed">Logins the server refused instead (explicit shedding); they hashed nothing and are not counted.</param>
/// <param name="VerifiesPerSecond">Verifies ÷ seconds.</param>
/// <param name="Argon2PerFlow">Argon2 computations one unlock costs the server.</param>
/// <param name="FlowsPerSecond">VerifiesPerSecond ÷ Argon2PerFlow: the flows per second the server's hashing allows.</param>
internal sealed record CapacityFigures(
    int Concurrency, double Seconds, int Verifies, int Shed, double VerifiesPerSecond, int Argon2PerFlow, double FlowsPerSecond);
