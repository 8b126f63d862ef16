-- FAQ F102/F103/F097: a case withdrawn after submission is saved as a new draft ("原填写的内容会保存为
-- 草稿方便再次使用", "已填内容和材料都会保留"). The draft names the case it was copied from; one
-- draft per withdrawn case, so a repeated or concurrent withdrawal cannot make two.
ALTER TABLE applications ADD COLUMN copied_from bigint REFERENCES applications (id);
CREATE UNIQUE INDEX applications_one_copy ON applications (copied_from) WHERE copied_from IS NOT NULL;
