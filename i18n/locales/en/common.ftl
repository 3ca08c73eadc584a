# Words shared by every catalog.
lang-name = English
