namespace Recovery.AuthServer.IntegrationTests;

public sealed class InMemoryIdempotencyTests : IdempotencyTests;
