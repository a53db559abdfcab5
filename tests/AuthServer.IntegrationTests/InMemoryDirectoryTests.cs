namespace Recovery.AuthServer.IntegrationTests;

public sealed class InMemoryDirectoryTests : DirectoryTests;
