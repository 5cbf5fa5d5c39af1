namespace Chronos.Gateway.Tests;
