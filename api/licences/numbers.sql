-- Licence numbers (api/licences/numbers.py): the counter per type code and year.

-- name: take_licence_number(type_code, year)$
INSERT INTO licence_number_sequences (type_code, year, last_value) VALUES (:type_code, :year, 1)
ON CONFLICT (type_code, year) DO UPDATE SET last_value = licence_number_sequences.last_value + 1
RETURNING last_value;
