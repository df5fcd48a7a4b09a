"""What documents and questions share: normalisation, sentences, terms and the English bridge."""
