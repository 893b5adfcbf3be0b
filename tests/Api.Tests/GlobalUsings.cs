global using Alba;
global using FlutHilfe.Api.Tests.Support;
global using Shouldly;
global using Xunit;
