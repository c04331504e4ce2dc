"""Tools around congdong that the product never imports: fake platforms for tests and demo."""
