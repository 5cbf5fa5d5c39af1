namespace Chronos.AppHost.Tests;
