Console.WriteLine("Samjournal benchmark: not yet written.");
